from recommender.skills.segment import split_segments


def test_sentences_and_bullets_become_segments() -> None:
    text = "We build data pipelines. You will own the warehouse!\n- Write SQL daily\n* Review code\n2) Mentor juniors"
    assert split_segments(text) == [
        "We build data pipelines.",
        "You will own the warehouse!",
        "Write SQL daily",
        "Review code",
        "Mentor juniors",
    ]


def test_comma_lists_yield_the_list_and_its_items() -> None:
    assert split_segments("Skills: Python, SQL, Apache Airflow and dbt") == [
        "Skills: Python, SQL, Apache Airflow and dbt",
        "Python",
        "SQL",
        "Apache Airflow",
        "dbt",
    ]


def test_prose_is_not_a_list_but_long_sentences_add_their_clauses() -> None:
    text = "Designed for people new to online study, this course prepares you to learn well."
    assert split_segments(text) == [
        text,
        "Designed for people new to online study",
        "this course prepares you to learn well",
    ]
    short = "Learn to study online with others."
    assert split_segments(short) == [short]


def test_clauses_split_at_conjunctions_and_drop_leading_and() -> None:
    text = "You will write SQL queries against PostgreSQL, clean data with Python and pandas, and present results."
    assert split_segments(text)[1:] == [
        "You will write SQL queries against PostgreSQL",
        "clean data",
        "Python",
        "pandas",
        "present results",
    ]


def test_glued_scraped_lines_are_split_but_product_names_are_not() -> None:
    text = "ResponsibilitiesDLP solution administrationAnalyze incidents with JavaScript and PostgreSQL"
    assert split_segments(text) == [
        "DLP solution administration",
        "Analyze incidents with JavaScript and PostgreSQL",
    ]


def test_period_glued_to_next_sentence_splits() -> None:
    assert split_segments("You learn online.The team curated it.") == ["You learn online.", "The team curated it."]


def test_duplicates_and_empty_segments_are_dropped() -> None:
    assert split_segments("Use SQL.\n\n- Use SQL.\n-\n  \n") == ["Use SQL."]
    assert split_segments("") == []


def test_long_sentences_are_cut_into_windows() -> None:
    words = " ".join(f"w{i}" for i in range(95))
    segments = split_segments(words)
    assert [len(s.split()) for s in segments] == [40, 40, 15]


def test_segments_of_filler_words_only_are_dropped() -> None:
    text = "Experience with statistics is a plus.\nRequirements:\nResponsibilities"
    assert split_segments(text) == ["Experience with statistics is a plus."]


def test_inline_bullets_and_glued_headings_of_scraped_postings_split() -> None:
    text = "Job Description:Responsibilities:- Build ETL jobs.- Tune SQL queries"
    assert split_segments(text) == ["Job Description", "Build ETL jobs.", "Tune SQL queries"]


def test_long_items_of_a_list_are_split_into_clauses() -> None:
    text = "Data engineer: build ETL pipelines in Python and SQL, design data warehouses, work with Spark and Hadoop."
    assert split_segments(text)[1:] == [
        "build ETL pipelines in Python and SQL",
        "build ETL pipelines in Python",
        "SQL",
        "design data warehouses",
        "work with Spark",
        "Hadoop",
    ]
