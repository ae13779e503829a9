"""What a mailing is made from: campaign.yaml, recipient lists (files, headers, types, tables).

Public modules: ``campaign`` (campaign.yaml), ``recipients`` (reading and checking recipient
lists), ``values`` (typed cell values), ``letter_rules`` (salutation patterns), ``names`` (bundle
file names). Modules with a leading underscore are used only inside this package.
"""
