"""CSV files: headers, delimiters, label kinds, and errors that name file, line and column."""

from __future__ import annotations

import numpy as np
import pytest

from chainrule.data import load_dataset, read_csv
from chainrule.errors import ConfigError, DataError


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_header_and_integer_labels(tmp_path):
    path = write(tmp_path, "x1,x2,label\n0.5,1,0\n-2,3e2,1\n4,5,2\n")
    data = read_csv(path)
    assert data.name == "data.csv" and data.feature_names == ("x1", "x2")
    assert data.X.dtype == np.float32 and data.X.shape == (3, 2)
    np.testing.assert_array_equal(data.X, [[0.5, 1], [-2, 300], [4, 5]])
    assert data.y.dtype == np.int64 and data.y.tolist() == [0, 1, 2]
    assert data.classes == ("0", "1", "2") and data.feature_shape == (2,)
    data.validate()


def test_no_header_detected_and_label_column_by_index(tmp_path):
    path = write(tmp_path, "1,0.1,0.2\n0,0.3,0.4\n1,0.5,0.6\n")
    data = read_csv(path, label_column=0)
    assert data.feature_names is None and data.y.tolist() == [1, 0, 1]
    np.testing.assert_allclose(data.X, [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])


def test_label_column_by_name(tmp_path):
    path = write(tmp_path, "kind;a;b\ncat;1;2\ndog;3;4\ncat;5;6\n")
    data = read_csv(path, label_column="kind")
    assert data.classes == ("cat", "dog") and data.y.tolist() == [0, 1, 0]
    assert data.feature_names == ("a", "b")
    with pytest.raises(
        DataError,
        match=r"data.csv line 1: no column named 'size' in the header "
        r"\(columns: 'kind', 'a', 'b'\)",
    ):
        read_csv(path, label_column="size")
    with pytest.raises(ConfigError, match="header=False"):
        read_csv(path, label_column="kind", header=False)


def test_text_labels_without_header_map_to_sorted_names(tmp_path):
    path = write(
        tmp_path, "5.1,3.5,setosa\n7.0,3.2,versicolor\n6.3,3.3,virginica\n4.9,3.0,setosa\n"
    )
    data = read_csv(path)
    assert data.feature_names is None and len(data) == 4
    assert data.classes == ("setosa", "versicolor", "virginica")
    assert data.y.tolist() == [0, 1, 2, 0]


def test_integer_labels_not_0_to_k_are_mapped_with_names_kept(tmp_path):
    path = write(tmp_path, "a,y\n1,3\n2,7\n3,3\n4,-1\n5,7.0\n")
    data = read_csv(path)
    assert data.classes == ("-1", "3", "7") and data.y.tolist() == [1, 2, 1, 0, 2]


def test_fractional_labels_make_a_regression_set(tmp_path):
    path = write(tmp_path, "a,b,t\n1,2,0.5\n3,4,1.25\n5,6,-3\n")
    data = read_csv(path)
    assert data.classes is None and not data.is_classification
    assert data.y.shape == (3, 1) and data.y.dtype == np.float32
    assert data.y[:, 0].tolist() == [0.5, 1.25, -3.0] and data.n_outputs == 1
    data.validate()
    forced = read_csv(write(tmp_path, "a,t\n1,2\n3,4\n", "r.csv"), task="regression")
    assert forced.classes is None and forced.y[:, 0].tolist() == [2.0, 4.0]
    as_classes = read_csv(path, task="classification")
    assert as_classes.classes == ("-3", "0.5", "1.25")


def test_tab_and_whitespace_delimiters(tmp_path):
    tabbed = read_csv(write(tmp_path, "a\tb\tc\n1\t2\t0\n3\t4\t1\n", "t.tsv"))
    assert tabbed.X.tolist() == [[1, 2], [3, 4]]
    spaced = read_csv(write(tmp_path, "1  2   0\n 3 4 1\n", "s.txt"))
    assert spaced.X.tolist() == [[1, 2], [3, 4]] and spaced.y.tolist() == [0, 1]


def test_blank_lines_bom_crlf_and_quotes(tmp_path):
    path = tmp_path / "w.csv"
    path.write_bytes(b'\xef\xbb\xbf"x",y\r\n\r\n"1.5",0\r\n2,1\r\n\r\n')
    data = read_csv(path)
    assert data.feature_names == ("x",) and data.X[:, 0].tolist() == [1.5, 2.0]


# -- errors ---------------------------------------------------------------------------------


def test_not_a_number_names_file_line_and_column(tmp_path):
    rows = "".join(f"{i},{i + 1},{i % 2}\n" for i in range(15))
    path = write(tmp_path, "a,b,label\n" + rows + "1,2,0\n3,abc,1\n")
    with pytest.raises(DataError) as info:
        read_csv(path)
    assert str(info.value) == f"{path} line 18, column 2: 'abc' is not a number"


def test_missing_value(tmp_path):
    path = write(tmp_path, "a,b,c\n1,2,0\n1,,0\n")
    with pytest.raises(DataError, match=r"data.csv line 3, column 2: is empty"):
        read_csv(path)
    path = write(tmp_path, "a,b,c\n1,2,0\n1,2,\n")
    with pytest.raises(DataError, match=r"data.csv line 3, column 3: the label is empty"):
        read_csv(path)


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-Infinity"])
def test_nan_and_inf_values(tmp_path, value):
    path = write(tmp_path, f"a,b,c\n1,2,0\n3,4,1\n5,6,0\n7,{value},1\n")
    with pytest.raises(DataError, match=rf"data.csv line 5, column 2 is {value} "):
        read_csv(path)
    path = write(tmp_path, f"a,c\n1,0\n2,{value}\n")
    with pytest.raises(DataError, match=rf"data.csv line 3, column 2 is {value} \(labels"):
        read_csv(path)


def test_ragged_rows(tmp_path):
    path = write(tmp_path, "a,b,c\n1,2,0\n1,2\n")
    with pytest.raises(
        DataError,
        match=r"data.csv line 3: 2 fields, expected 3 \(as on line "
        r"1\)",
    ):
        read_csv(path)


def test_empty_and_header_only_files(tmp_path):
    with pytest.raises(DataError, match=r"data.csv: empty file \(no rows\)"):
        read_csv(write(tmp_path, ""))
    with pytest.raises(DataError, match=r"data.csv: empty file"):
        read_csv(write(tmp_path, "\n  \n"))
    with pytest.raises(DataError, match=r"data.csv: no data rows after the header on line 1"):
        read_csv(write(tmp_path, "a,b,label\n"))
    with pytest.raises(DataError, match="only one column"):
        read_csv(write(tmp_path, "1\n2\n"))


def test_missing_file_and_binary_file(tmp_path):
    with pytest.raises(DataError, match=r"absent.csv: no such file"):
        read_csv(tmp_path / "absent.csv")
    with pytest.raises(DataError, match=r"absent.csv: no such file"):
        load_dataset(str(tmp_path / "absent.csv"))
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(DataError, match="not UTF-8 text"):
        read_csv(binary)
    binary.write_bytes(b"1,2\x00,3\n")
    with pytest.raises(DataError, match="NUL bytes"):
        read_csv(binary)


def test_bad_options(tmp_path):
    path = write(tmp_path, "1,2,0\n3,4,1\n")
    with pytest.raises(DataError, match=r"there is no label column 5: line 1 has 3 columns"):
        read_csv(path, label_column=5)
    with pytest.raises(ConfigError, match="header must be"):
        read_csv(path, header="yes")
    with pytest.raises(ConfigError, match="task must be"):
        read_csv(path, task="ranking")
    with pytest.raises(ConfigError, match="bad delimiter"):
        read_csv(path, delimiter="::")


def test_header_forced_on_and_off(tmp_path):
    path = write(tmp_path, "10,20,1\n1,2,0\n3,4,1\n")
    assert len(read_csv(path)) == 3
    data = read_csv(path, header=True)
    assert len(data) == 2 and data.feature_names == ("10", "20")
    with pytest.raises(DataError, match=r"line 1, column 1: 'a' is not a number"):
        read_csv(write(tmp_path, "a,b,c\n1,2,0\n"), header=False)


def test_load_dataset_splits_a_csv_file(tmp_path):
    rows = "".join(f"{i},{i * 0.5},{i % 3}\n" for i in range(60))
    path = write(tmp_path, "u,v,label\n" + rows)
    train, test = load_dataset(str(path), seed=1)
    assert (len(train), len(test)) == (45, 15) and train.name == "data.csv"
    assert np.bincount(test.y).tolist() == [5, 5, 5]
    train, test = load_dataset(str(path), label_column="u", test_size=0.5)
    assert train.n_classes is None  # u holds 60 distinct whole numbers: a regression target
    assert len(test) == 30
    train, _ = load_dataset(str(path), label_column="u", test_size=0.5, task="classification")
    assert train.n_classes == 60
    with pytest.raises(ConfigError, match="noise does not apply"):
        load_dataset(str(path), noise=0.1)


def test_load_dataset_regression_csv_is_split_at_random(tmp_path):
    rows = "".join(f"{i},{i / 7:.4f}\n" for i in range(40))
    train, test = load_dataset(str(write(tmp_path, "x,t\n" + rows)), seed=2)
    assert train.classes is None and (len(train), len(test)) == (30, 10)
    assert sorted(np.concatenate([train.X[:, 0], test.X[:, 0]]).tolist()) == list(range(40))


def _rows(path, header: str | None, label_first: bool = False):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(12, 3)), np.arange(12) % 2
    lines = [header] if header else []
    for row, label in zip(X, y, strict=True):
        fields = [f"{v:.3f}" for v in row]
        lines.append(",".join([str(label), *fields] if label_first else [*fields, str(label)]))
    path.write_text("\n".join(lines) + "\n")
    return X.astype(np.float32), y


def test_a_label_column_given_as_index_text_is_that_column(tmp_path):
    """``--label-column 3`` arrives as text: with a header it is the column at index 3 (no
    column is named "3"), and the header is still read as one."""
    X, y = _rows(tmp_path / "h.csv", "a,b,c,label")
    data = read_csv(tmp_path / "h.csv", label_column="3")
    np.testing.assert_array_equal(data.y, y)
    np.testing.assert_allclose(data.X, X, atol=1e-3)
    assert data.feature_names == ("a", "b", "c")


def test_an_index_text_on_a_file_without_header_keeps_every_row(tmp_path):
    """No header and ``--label-column 0``: the first row is data (it is not read as a header
    whose field "0" names a column), so all 12 rows are examples."""
    X, y = _rows(tmp_path / "n.csv", None, label_first=True)
    data = read_csv(tmp_path / "n.csv", label_column="0")
    assert len(data) == 12 and data.feature_names is None
    np.testing.assert_array_equal(data.y, y)
    np.testing.assert_allclose(data.X, X, atol=1e-3)


def test_a_header_named_by_numbers_is_a_header_when_its_label_is_text(tmp_path):
    """``1,2,3,label`` above rows of numbers: a header (it used to become a data row and the
    word "label" a third class)."""
    _, y = _rows(tmp_path / "numbers.csv", "1,2,3,label")
    data = read_csv(tmp_path / "numbers.csv")
    assert len(data) == 12 and data.classes == ("0", "1")
    assert data.feature_names == ("1", "2", "3")
    np.testing.assert_array_equal(data.y, y)


def test_a_header_column_named_by_a_number_is_found_by_its_name(tmp_path):
    (tmp_path / "named.csv").write_text("x,3,y\n0.5,1,2.5\n1.5,0,3.5\n2.5,1,4.5\n")
    data = read_csv(tmp_path / "named.csv", label_column="3")
    np.testing.assert_array_equal(data.y, [1, 0, 1])
    assert data.feature_names == ("x", "y")


def test_a_short_row_under_a_first_row_with_an_empty_label_is_named(tmp_path):
    # "0," then "0": the header check read the second row's label past its end (IndexError)
    path = write(tmp_path, "0,\r0")
    with pytest.raises(DataError, match=r"data.csv line 2: 1 fields, expected 2 \(as on line 1\)"):
        read_csv(path)
