from tests.factories import LONDON, london

__all__ = ["LONDON", "london"]
