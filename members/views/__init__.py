"""The member registry's web pages, one module per screen; members.urls and members.urls_accounts route to them."""
