"""Read-aloud text pipeline (headless, no Qt): sentences -> spoken Chinese -> tone-numbered pinyin.

    split_sentences(text)  -> [Sentence(start, end, text)]   spans in the original text (UI highlight)
    normalize(text)        -> written forms (dates, amounts, 文号, phones ...) as spoken Chinese characters
    to_pinyin(text)        -> "zhong1 guo2, ..." for espeak-ng voice ``cmn-latn-pinyin``
    speakable(text)        -> to_pinyin(normalize(text))

See the module docstring of :mod:`kiosk.speech.normalize` for why the pipeline looks like this.
"""
from kiosk.speech.normalize import normalize
from kiosk.speech.pinyin_text import load_polyphones, speakable, to_pinyin
from kiosk.speech.sentences import Sentence, split_sentences

__all__ = ["Sentence", "normalize", "split_sentences", "to_pinyin", "speakable", "load_polyphones"]
