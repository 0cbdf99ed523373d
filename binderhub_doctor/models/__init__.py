"""What the tool knows about BinderHub and its charts, apart from any check: the chart model, the
trait catalogue and its types, and the registry settings BinderHub derives. Checks and commands
ask these questions; the models import nothing from checks or commands."""
