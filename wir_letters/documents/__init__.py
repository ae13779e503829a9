"""Filling Word templates: the Jinja sandbox, docxtpl, Word merge fields, German letter conventions.

Public modules: ``render`` (a DOCX for one recipient), ``context`` (the names a template reads),
``jinja`` (the environment and its filters), ``rules`` (``when`` rules), ``analysis`` (what a
template or rule reads), ``mergefields`` (Word fields → Jinja), ``german`` (dates, amounts,
address, salutation), ``parts`` (the DOCX parts that hold text). Modules with a leading
underscore are used only inside this package.
"""
