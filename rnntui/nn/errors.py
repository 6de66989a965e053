"""The one exception the NumPy mirror raises for files and models it cannot mirror."""


class MirrorError(ValueError):
    """A saved model or Keras model that the NumPy mirror cannot read or run.

    The message is written for the person at the terminal: it names the file or layer and
    says what is wrong (missing file, corrupt archive, unsupported layer or setting, a
    bidirectional network asked to step, ...).
    """
