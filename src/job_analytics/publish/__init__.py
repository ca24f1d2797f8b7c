"""Stage 5, ``update_catalog``: the gold tables published to the local catalog and to Glue, with lineage."""
