"""Sources config, discovery (feeds, sitemaps, folders) and polite fetching."""
