"""Commands beyond `lint`, each in its own module so that lint never imports what they need."""
