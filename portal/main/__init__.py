"""The public pages every visitor sees, and the language switch."""
