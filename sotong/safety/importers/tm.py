"""TM coordinates of Korean public data to WGS84.

LOCALDATA publishes 좌표정보(x)/(y) in Korean 1985 / Modified Central Belt (EPSG:5174: Bessel
1841, origin 38°N 127°00'10.405"E, false origin 200,000 / 500,000 m). Its own pages call it
"중부원점TM (EPSG:2097)", whose origin is 127°E: checked against addresses, EPSG:2097 puts every
point about 255 m too far west. See docs/decisions (pyproj and the TM CRS).
"""

from __future__ import annotations

from functools import lru_cache

from pyproj import Transformer

LOCALDATA_CRS = "EPSG:5174"


@lru_cache(maxsize=4)
def _transformer(crs: str) -> Transformer:
    # always_xy: (easting, northing) in, (lon, lat) out, whatever the CRS's axis order.
    # PROJ picks "Korean 1985 to WGS 84 (1)", the published 3-parameter datum shift.
    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def tm_to_wgs84(x: float, y: float, *, crs: str = LOCALDATA_CRS) -> tuple[float, float]:
    """(lat, lon) in WGS84 for a TM easting x and northing y."""
    lon, lat = _transformer(crs).transform(x, y)
    return lat, lon


def wgs84_to_tm(lat: float, lon: float, *, crs: str = LOCALDATA_CRS) -> tuple[float, float]:
    """(x, y) in the TM CRS; used by tests and to write sample files."""
    x, y = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)
    return x, y
