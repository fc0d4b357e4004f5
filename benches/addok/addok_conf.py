# addok configuration for the opsgeo comparison: the French setup of addok-fr and addok-france
# (the processors the BAN's own addok instance uses), Redis on 127.0.0.1:6399, and the INSEE
# code as a filter so that every query is restricted to its commune, as opsgeo does.
import os

REDIS = {
    "host": "127.0.0.1",
    "port": int(os.environ.get("ADDOK_REDIS_PORT", "6399")),
    "indexes": {"db": 0},
    "documents": {"db": 1},
}
QUERY_PROCESSORS_PYPATHS = [
    "addok.helpers.text.check_query_length",
    "addok_france.extract_address",
    "addok_france.clean_query",
    "addok_france.remove_leading_zeros",
]
SEARCH_RESULT_PROCESSORS_PYPATHS = [
    "addok.helpers.results.match_housenumber",
    "addok_france.make_labels",
    "addok.helpers.results.score_by_importance",
    "addok.helpers.results.score_by_autocomplete_distance",
    "addok.helpers.results.score_by_ngram_distance",
    "addok.helpers.results.score_by_geo_distance",
]
PROCESSORS_PYPATHS = [
    "addok.helpers.text.tokenize",
    "addok.helpers.text.normalize",
    "addok_france.glue_ordinal",
    "addok_france.fold_ordinal",
    "addok_france.flag_housenumber",
    "addok.helpers.text.synonymize",
    "addok_fr.phonemicize",
]
FILTERS = ["type", "postcode", "citycode"]
BATCH_WORKERS = int(os.environ.get("ADDOK_BATCH_WORKERS", "2"))
