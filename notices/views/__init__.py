"""The notice pages, one module per audience: members (list, detail, acknowledge) and the secretariat."""
