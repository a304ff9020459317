"""Network agreements: versioned MOUs that member organisations sign, with a signing record nobody can quietly
change, and sealed certificates anyone can verify."""


def init_app(app):
    """Register agreements."""
    from portal.agreements import models  # noqa: F401  (their tables)
