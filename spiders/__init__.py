"""The Scrapy project: spiders discover and fetch; item pipelines archive and record."""
