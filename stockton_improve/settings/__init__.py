"""Settings package: ``base`` is shared; pick ``development``, ``production`` or ``test``."""
