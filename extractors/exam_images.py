"""Stems that point at a picture ('shown in the figure', '如圖', 'Bilden nedan', 'הממצא המצורף') or at
the previous question ('承上題', 'the same patient'), in the languages exam banks come in.

A match is evidence, not proof: the phrase found is kept so a reviewer sees why a question was flagged.
"""

from __future__ import annotations

import re

_IMAGE_WORDS_EN = (
    r"figures?|images?|pictures?|photo(?:graph)?s?|illustrations?|diagrams?|radiographs?|x-rays?|"
    r"micrographs?|photomicrographs?|smears?|slides?|tracings?|ecgs?|ekgs?|electrocardiograms?|scans?|"
    r"ct|mri|ultrasound|angiograms?|fundus photo(?:graph)?s?|exhibits?"
)
IMAGE_PATTERNS: dict[str, tuple[str, ...]] = {
    "en": (
        r"\b(?:shown|depicted|illustrated|pictured|displayed)\s+(?:below|above|here)\b",
        rf"\b(?:shown|depicted|illustrated|pictured|displayed|seen|presented)\s+(?:in|on)\s+(?:the|this)\s+"
        rf"(?:(?:accompanying|attached|following|adjacent)\s+)?(?:{_IMAGE_WORDS_EN})\b",
        rf"\b(?:see|refer to)\s+(?:the\s+)?(?:attached\s+|accompanying\s+|following\s+)?"
        rf"(?:{_IMAGE_WORDS_EN})\b",
        rf"\b(?:this|the following|the attached|the accompanying|the above|the below|the adjacent)\s+"
        rf"(?:{_IMAGE_WORDS_EN})\b",
        rf"\b(?:{_IMAGE_WORDS_EN})\s+(?:below|above|shown|provided|attached)\b",
        r"\((?:fig(?:ure)?\.?|image|photo)\s*[0-9A-Z]",
    ),
    "zh": (
        r"[如下附見见上右左此本][圖图]",
        r"(?<![電电])[圖图](?:中|示|所示|片)",
        r"[圖图]\s*[一二三四五六七八九十0-9(（]",
        r"(?:照片|影像|附件|心電圖|心电图|X光片)(?:如下|所示)",
    ),
    "ja": (
        r"別冊",
        r"(?:図|写真|画像|標本|心電図|X線|エックス線|CT|MRI|像|所見)[^。]{0,16}?(?:を|に)(?:別に)?示す",
        r"(?:次の|下の|以下の|上の)(?:図|写真|画像)",
        r"下図|上図|図の",
        r"この(?:染色|標本|所見|画像|写真|像|図|心電図|波形|グラフ|組織像|細胞)",
    ),
    "ko": (r"(?:그림|사진|영상|도표|이미지)(?:과|와|을|를|에서|에|은|는|이|가)?", r"다음\s*(?:그림|사진)"),
    "pl": (
        r"\bna\s+(?:rycinie|zdjęciu|obrazie|ilustracji|fotografii|rysunku)\b",
        r"\b(?:poniższ|załączon|przedstawion)\w*\s+(?:rycin|zdjęci|obraz|ilustracj|fotografi|rysun)\w*",
        r"\bryc\.\s*\d",
    ),
    "es": (
        r"\b(?:en|de)\s+la\s+(?:imagen|figura|fotografía|foto|radiografía|ilustración)\b",
        r"\b(?:imagen|figura|fotografía|radiografía)\s+(?:adjunta|siguiente|anterior|mostrada)\b",
        r"\b(?:la|esta)\s+(?:siguiente\s+)?(?:imagen|figura|fotografía)\b",
        r"\bse\s+muestra\s+(?:en\s+)?(?:la\s+)?(?:imagen|figura|a\s+continuación)",
    ),
    "pt": (
        r"\b(?:na|da|nesta|desta)\s+(?:imagem|figura|fotografia|foto|ilustração|radiografia)\b",
        r"\b(?:imagem|figura|fotografia|radiografia)\s+"
        r"(?:abaixo|acima|a seguir|anexa|seguinte|apresentada)\b",
        r"\b(?:a|esta)\s+(?:imagem|figura|fotografia)\b",
        r"\b(?:mostrad[ao]s?|ilustrad[ao]s?|apresentad[ao]s?)\s+(?:na|abaixo|acima|a seguir)\b",
    ),
    "fr": (
        r"\b(?:sur|dans)\s+(?:la|cette|l['’])\s*(?:figure|image|photo(?:graphie)?|illustration|radiographie)\b",
        r"\b(?:figure|image|photo(?:graphie)?|radiographie)\s+(?:ci-dessous|ci-dessus|ci-contre|suivante|jointe)\b",
        r"\bci-(?:dessous|contre)\b",
    ),
    "de": (
        r"\b(?:Abbildung|Abb\.)",
        r"\b(?:im|auf dem|dem folgenden|das folgende|im folgenden)\s+(?:Bild|Foto|Röntgenbild|EKG)\b",
        r"\b(?:abgebildet|dargestellten\s+(?:Befund|Bild))",
    ),
    "sv": (
        r"\b(?:på|i|se)\s+(?:bilden|bilderna|figuren|fotot|fotografiet|röntgenbilden)\b",
        r"(?<!kliniska )(?<!kliniske )\b(?:bilden|bilderna|figuren|fotot)\s+(?:nedan|ovan|visar)\b",
        r"\bfiguren\b",
        r"\b(?:nedanstående|ovanstående|bifogade)\s+(?:bild|figur|foto)\w*",
    ),
    "he": (r"המצורפ(?:ת|ים|ות)?\b|המצורף", r"ב?תמונ(?:ה|ות)\b", r"ב?איור\b", r"בצילום"),
    "ru": (
        r"\bна\s+(?:рисунке|изображении|фото|фотографии|снимке|рентгенограмме|схеме)\b",
        r"\b(?:рисун(?:ок|ке)|изображен\w*|представлен\w*\s+на\s+(?:рисунке|снимке))\b",
    ),
    "it": (r"\b(?:nella|nell['’]|della|questa)\s*(?:figura|immagine|foto(?:grafia)?)\b",),
    "tr": (r"\b(?:şekilde|resimde|görüntüde|fotoğrafta)\b",),
    "ar": (r"(?:الصورة|الشكل)",),
    "nl": (r"\b(?:op de|in de|onderstaande|bijgaande)\s+(?:afbeelding|foto|figuur)\b",),
}
_IMAGE = [(lang, re.compile(p, re.IGNORECASE)) for lang, patterns in IMAGE_PATTERNS.items() for p in patterns]

PREVIOUS_ALWAYS = re.compile(
    r"承上題|承上题|續上題|续上题|接上題|接上题|同上題|前問|前の問題|上一題|上一题|"
    r"\b(?:the previous question|the preceding question|the same patient|refer to question \d+)\b|"
    r"\b(?:la pregunta anterior|a questão anterior|la question précédente|poprzedni\w* pytani\w*|"
    r"föregående fråga|der vorherigen Frage)\b",
    re.IGNORECASE,
)
PREVIOUS_SHORT = re.compile(
    r"この患者|同じ患者|该患者|該患者|此患者|이 환자|\bthis patient\b|\beste paciente\b|\bce patient\b|"
    r"\bdieser Patient\b|\bdenna patient\b|\bten pacjent\b",
    re.IGNORECASE,
)
SHORT_STEM = 60
"""A stem this short that speaks of 'this patient' cannot have introduced the patient itself."""


def image_phrase(stem: str) -> str | None:
    """The phrase of `stem` that points at a picture, with a little context; None when there is none."""
    for _lang, pattern in _IMAGE:
        match = pattern.search(stem)
        if match:
            start, end = max(0, match.start() - 15), min(len(stem), match.end() + 15)
            return stem[start:end].replace("\n", " ").strip()
    return None


def depends_on_previous(stem: str) -> bool:
    """Whether the stem leans on the question before it ('承上題', 'the same patient')."""
    if PREVIOUS_ALWAYS.search(stem):
        return True
    return len(stem.strip()) <= SHORT_STEM and PREVIOUS_SHORT.search(stem) is not None
