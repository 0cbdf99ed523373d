"""Checks that no declarative kind can express; each rule file names them by `module.function`."""
