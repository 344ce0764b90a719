"""HTTP interface: the JSON API (``api``) and the pages (``pages``)."""
