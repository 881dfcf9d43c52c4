"""Local replay of the Yonhap English site (2023 layout) for tests, demos and benchmarks."""
from .generate import generate_night
from .model import Article, EditVersion, Night
from .options import SiteOptions
from .server import ReplaySite
from .stories import all_articles, nights

__all__ = ["Article", "EditVersion", "Night", "ReplaySite", "SiteOptions", "all_articles", "generate_night", "nights"]
