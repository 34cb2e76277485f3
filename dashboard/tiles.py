"""Where each province's tile sits on the dashboard's tile map: (column, row) on a 9 × 8 grid, in its rough
geographic place. Hand-placed from members.regions.Province, so no map data (and no disputed outline) is needed."""

from members.regions import Province

COLUMNS, ROWS = 9, 8

GRID: dict[str, tuple[int, int]] = {
    Province.HEILONGJIANG: (9, 1),
    Province.INNER_MONGOLIA: (6, 2),
    Province.BEIJING: (7, 2),
    Province.LIAONING: (8, 2),
    Province.JILIN: (9, 2),
    Province.XINJIANG: (2, 3),
    Province.GANSU: (4, 3),
    Province.NINGXIA: (5, 3),
    Province.SHANXI: (6, 3),
    Province.HEBEI: (7, 3),
    Province.TIANJIN: (8, 3),
    Province.QINGHAI: (3, 4),
    Province.SHAANXI: (5, 4),
    Province.HENAN: (6, 4),
    Province.SHANDONG: (7, 4),
    Province.TIBET: (2, 5),
    Province.SICHUAN: (4, 5),
    Province.CHONGQING: (5, 5),
    Province.HUBEI: (6, 5),
    Province.ANHUI: (7, 5),
    Province.JIANGSU: (8, 5),
    Province.SHANGHAI: (9, 5),
    Province.YUNNAN: (4, 6),
    Province.GUIZHOU: (5, 6),
    Province.HUNAN: (6, 6),
    Province.JIANGXI: (7, 6),
    Province.ZHEJIANG: (8, 6),
    Province.GUANGXI: (5, 7),
    Province.GUANGDONG: (6, 7),
    Province.FUJIAN: (7, 7),
    Province.TAIWAN: (8, 7),
    Province.HAINAN: (5, 8),
    Province.MACAO: (6, 8),
    Province.HONG_KONG: (7, 8),
    Province.ABROAD: (9, 8),
}
