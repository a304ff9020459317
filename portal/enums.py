"""Enums whose members carry their own translated label (as Indico's RichStrEnum does), instead of a dict of names
kept beside each enum."""

import enum


class LabelledEnum(enum.StrEnum):
    """A string enum whose members are declared as `NAME = "value", _l("Label")`: `Sector.NGO.label` is the
    translated name, `Sector.labels()` the {value: label} table that templates get (portal.i18n.Labels)."""

    def __new__(cls, value, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label if label is not None else value
        return member

    @property
    def label(self):
        """The member's name for people, in the current language (a lazy string)."""
        return self._label

    @classmethod
    def labels(cls):
        """The {value: label} table of every member, in declaration order."""
        return {member.value: member._label for member in cls}
