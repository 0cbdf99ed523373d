"""Commands beyond `lint`, each in its own module so that lint never imports what they need."""

# Help texts of options several commands share, written once so that no command's --help drifts
# from what the shared loading (inputs.py, chart_pin.py) does.
SECRET_FILE_HELP = "The file that holds secrets (default: files named *secret*.yaml or under secrets/)."
CHART_VERSION_HELP = ("BinderHub chart version the values are for (default: chart-version of the config file, "
                      "else the binderhub chart a Chart.yaml or requirements.yaml beside the values pins, "
                      "else the newest known).")
