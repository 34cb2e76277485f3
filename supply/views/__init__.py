"""The supply web pages, one module per audience: fab, supplier, secretariat; supply.urls routes to them."""
