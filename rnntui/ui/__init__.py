"""The Textual app: screens, widgets, messages and styles.

Nothing here imports TensorFlow or Keras: training runs in a child process
(`rnntui.engine.worker.TrainingProcess`) and comes back as events.
"""
