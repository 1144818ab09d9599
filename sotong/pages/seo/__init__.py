"""What the resident site tells search engines and SNS: sitemap, robots.txt, Open Graph and Twitter cards,
schema.org data and a generated share image per page (decision 0085)."""
