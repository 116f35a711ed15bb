"""Background work: the task table, its filter and detail pane, and tasks other processes run."""
