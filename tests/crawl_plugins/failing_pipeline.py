"""An item pipeline that raises on every other article page: a bug or a storage error Scrapy would
otherwise only log (tests/test_night_by_hand.py)."""
from spiders.items import FetchedPage


class RaiseOnEveryOtherPage:
    seen = 0

    def process_item(self, item, spider=None):
        if isinstance(item, FetchedPage):
            RaiseOnEveryOtherPage.seen += 1
            if RaiseOnEveryOtherPage.seen % 2 == 0:
                raise OSError(28, "No space left on device (test pipeline)")
        return item
