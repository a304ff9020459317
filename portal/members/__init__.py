"""Member organisations and the people in them."""
