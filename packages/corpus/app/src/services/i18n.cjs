"use strict";

function normalizeQuery(query, locale) {
  return query.normalize("NFKC").trim().toLocaleLowerCase(locale);
}

function formatPrice(amount, locale, currency) {
  return new Intl.NumberFormat(locale, { style: "currency", currency: currency }).format(amount);
}

function buildSnippet(hit, locale) {
  return hit.title + " · " + formatPrice(hit.price, locale, hit.currency);
}

function search(index, query, locale) {
  const needle = normalizeQuery(query, locale);
  return index
    .filter((hit) => hit.title.toLocaleLowerCase(locale).indexOf(needle) !== -1 || needle.length < 2)
    .map((hit) => buildSnippet(hit, locale));
}

module.exports = { search, formatPrice, normalizeQuery };
