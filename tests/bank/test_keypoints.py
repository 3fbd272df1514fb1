from bot.bank.keypoints import derive_key_points, split_clauses


def test_a_one_sentence_reference_is_split_into_its_claims():
    reference = (
        "Attention dropout zeroes random attention weights after the softmax during training, "
        "and it is switched off at inference."
    )
    assert derive_key_points(reference) == [
        "Attention dropout zeroes random attention weights after the softmax during training",
        "it is switched off at inference",
    ]


def test_semicolons_separate_claims():
    assert derive_key_points(
        "Levenshtein allows insertions, deletions and substitutions; Damerau adds transpositions."
    ) == [
        "Levenshtein allows insertions, deletions and substitutions",
        "Damerau adds transpositions",
    ]


def test_a_sentence_is_kept_whole_when_a_part_would_be_a_fragment():
    reference = "A stack is a last-in first-out collection, and fast."
    assert derive_key_points(reference) == [reference]
    assert split_clauses("Precision, recall and F1 are computed from it.") == [
        "Precision, recall and F1 are computed from it."
    ]


def test_a_longer_reference_keeps_one_point_per_sentence():
    reference = "A stack is last-in first-out. Push adds on top, and pop removes the top item."
    assert derive_key_points(reference) == [
        "A stack is last-in first-out.",
        "Push adds on top, and pop removes the top item.",
    ]
