"""Writes in the safety domain. Views, admin screens, commands and tasks call these; nothing else writes."""
