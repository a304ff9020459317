"""The audit log: who did what to what, when and from where. Every workflow's state change writes one.

Each domain registers the names of its actions (`register_actions` in its init_app); the log shows them by name.
"""

_EXTENSION = "portal.audit_actions"


def register_actions(app, labels):
    """Add a domain's {action: label} names to those the audit log shows."""
    actions = app.extensions.setdefault(_EXTENSION, {})
    clashes = set(actions) & set(labels)
    if clashes:
        raise ValueError(f"audit actions registered twice: {sorted(clashes)}")
    actions.update(labels)


def init_app(app):
    """Give templates the names of every action (filled in by each domain as it registers)."""
    from portal.audit import models  # noqa: F401  (the audit table)
    from portal.i18n import Labels, register_labels

    register_labels(app, {"audit_labels": Labels(app.extensions.setdefault(_EXTENSION, {}))})
