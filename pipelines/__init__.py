"""wiredesk: archive news wire copy.

Data flows one way through these modules:
discover and fetch (spiders/) -> archive raw (rawstore) -> extract (extract, publishers/)
-> load (load) -> group revisions into stories (grouping) -> check (checks).
"""
