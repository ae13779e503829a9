"""What a mailing is made from: campaign.yaml, recipient lists (files, headers, types, tables)."""
