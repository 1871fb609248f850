"""Real-looking 干部任免审批表 files built by the tests themselves (.lrmx, .lrm, zips, photos)."""

import base64
import io
import struct
import zipfile
import zlib

RESUME = (
    "2005.09--2009.07  西南大学经济管理学院经济学专业学习\r\n"
    "2009.07--2012.03  青石镇党政综合办公室科员\r\n"
    "2012.03--2016.05  青石镇党政综合办公室主任\r\n"
    "（其间：2013.09--2015.07 在省委党校在职研究生班经济管理专业学习）\r\n"
    "2016.05--        县财政局副局长"
)


def tiny_png() -> bytes:
    """A valid 1×1 PNG, so the .docx form can embed it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def lrmx_xml(**overrides: str) -> bytes:
    """A .lrmx as the editor writes it; OVERRIDES replace or (value None) drop elements."""
    values = {
        "XingMing": "王建国",
        "XingBie": "男",
        "ChuShengNianYue": "198703",
        "MinZu": "汉族",
        "JiGuan": "四川遂宁",
        "ChuShengDi": "四川射洪",
        "RuDangShiJian": "200806",
        "CanJiaGongZuoShiJian": "200907",
        "JianKangZhuangKuang": "健康",
        "ZhuanYeJiShuZhiWu": "经济师",
        "ShuXiZhuanYeYouHeZhuanChang": "财政预算管理",
        "QuanRiZhiJiaoYu_XueLi": "大学",
        "QuanRiZhiJiaoYu_XueWei": "经济学学士",
        "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "西南大学经济管理学院经济学专业",
        "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "西南大学经济管理学院",
        "ZaiZhiJiaoYu_XueLi": "研究生",
        "ZaiZhiJiaoYu_XueWei": "",
        "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "省委党校经济管理专业",
        "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "",
        "XianRenZhiWu": "县财政局副局长",
        "NiRenZhiWu": "",
        "NiMianZhiWu": "",
        "JianLi": RESUME,
        "JiangChengQingKuang": "2019年被评为全县优秀共产党员。",
        "NianDuKaoHeJieGuo": "2021、2022年度考核称职，2023年度考核优秀。",
        "RenMianLiYou": "",
        "ChengBaoDanWei": "中共示例县委组织部",
        "JiSuanNianLingShiJian": "202411",
        "TianBiaoShiJian": "20241115",
        "TianBiaoRen": "李红",
        "ShenFenZheng": "510903198703150019",
        "ZhaoPian": base64.b64encode(tiny_png()).decode(),
        "Version": "3.2.1.16",
    }
    values.update(overrides)
    family = (
        "<JiaTingChengYuan><Item><ChengWei>妻子</ChengWei><XingMing>刘芳</XingMing>"
        "<ChuShengRiQi>198811</ChuShengRiQi><ZhengZhiMianMao>中共党员</ZhengZhiMianMao>"
        "<GongZuoDanWeiJiZhiWu>县第一小学教师</GongZuoDanWeiJiZhiWu></Item>"
        "<Item><ChengWei>父亲</ChengWei><XingMing>王德明</XingMing><ChuShengRiQi>196002"
        "</ChuShengRiQi><ZhengZhiMianMao>群众</ZhengZhiMianMao><GongZuoDanWeiJiZhiWu>已去世"
        "</GongZuoDanWeiJiZhiWu></Item></JiaTingChengYuan>"
    )
    body = []
    for tag, value in values.items():
        if value is None:
            continue
        body.append(f"<{tag}>{_escape(value)}</{tag}>")
        if tag == "RenMianLiYou":
            body.append(family)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\r\n<Person>' + "".join(body) + "</Person>"
    ).encode()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def lrm_text(name: str = "赵敏", birth: str = "199004") -> bytes:
    """A legacy .lrm in GBK with the form's fields in order."""
    fields = [
        name,
        "女",
        birth,
        "汉族",
        "四川绵阳",
        "四川三台",
        "201306",
        "201207",
        "健康",
        "",
        "文字综合",
        "大学#文学学士@#",
        "四川师范大学文学院汉语言文学专业#四川师范大学文学院@#",
        "青石镇党政综合办公室主任",
        "",
        "",
        "2012.07--2016.03  青石镇党政综合办公室科员\r\n2016.03--  青石镇党建工作办公室主任",
        "无",
        "2022、2023年度考核优秀。",
        "",
        "丈夫@女儿",
        "陈刚@陈悦",
        "198908@201805",
        "中共党员@群众",
        "县公安局民警@学生",
        "中共示例县委组织部",
        "202411",
        "20241115",
        "李红",
        "",
    ]
    return ",".join(f'"{value}"' for value in fields).encode("gbk")


class _GbkName(zipfile.ZipInfo):
    """A member name stored as GBK without the UTF-8 flag, as Windows' own zip tool does."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 (zipfile's name)
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def zip_of(files: dict[str, bytes], *, gbk_names: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(_GbkName(name) if gbk_names else zipfile.ZipInfo(name), data)
    return buffer.getvalue()
