"""Simple baselines the tasks measure beside the network, on the same data and metric.

Each module holds the baselines of one kind of data; a task's `baselines()` calls them (no
task ids here). NumPy and scikit-learn only, imported inside the functions that need them.
"""
