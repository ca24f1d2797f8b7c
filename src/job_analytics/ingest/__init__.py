"""Stage 1, ``scrape_jobs``: the sources, the HTTP client, the scrape state and the bronze writer."""
