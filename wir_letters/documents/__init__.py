"""Filling Word templates: the Jinja sandbox, docxtpl, Word merge fields, German letter conventions."""
