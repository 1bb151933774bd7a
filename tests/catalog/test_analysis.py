"""The line cache of index segmentation gives exactly what segmenting the whole text gives."""

from catalog.search import analysis


def whole(text: str) -> str:
    return " ".join(tok for tok, _, _ in analysis.index_tokens(text))


def test_line_by_line_is_the_same_as_the_whole_text():
    text = ("第一条　为了保障城乡居民最低生活，制定本办法。\n  第二条 低保金按月发放，标准见附件。\r\n"
            "\n申请人可以向乡镇人民政府（街道办事处）提出申请。ABC-123 电话12345")
    analysis.clear_token_cache()
    assert analysis.index_text(text) == whole(text)
    assert analysis.index_text(text) == whole(text)  # now from the cache
    assert analysis.index_text("") == ""


def test_a_new_word_empties_the_cache():
    line = "凤凰岭红薯干补贴申领办法"
    analysis.clear_token_cache()
    before = analysis.index_text(line)
    assert "凤凰岭红薯干" not in before.split()
    analysis.add_user_words(["凤凰岭红薯干"])
    after = analysis.index_text(line)
    assert after == whole(line) and "凤凰岭红薯干" in after.split()
