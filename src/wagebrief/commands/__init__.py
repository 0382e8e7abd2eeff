"""Sub-commands of the ``wagebrief`` CLI, one module each, each exposing ``register(app)``."""
