"""Building and training the Keras models.

Importing this package is cheap: `events` and `control` are plain Python; the modules that
import Keras (`model`, `train`, `backend`) are imported by whoever trains.
"""
