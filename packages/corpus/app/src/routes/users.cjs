"use strict";

const { ValidationError } = require("../lib/errors.cjs");

const MESSAGES = {
  en: (name, bad) => 'Display name "' + name + '" contains unsupported characters: ' + bad,
  fr: (name, bad) => "Le nom d’affichage « " + name + " » contient des caractères non autorisés : " + bad,
  de: (name, bad) => "Der Anzeigename „" + name + "“ enthält ungültige Zeichen: " + bad,
  es: (name, bad) => "El nombre visible «" + name + "» contiene caracteres no admitidos: " + bad,
  ja: (name, bad) => "表示名「" + name + "」に使用できない文字が含まれています: " + bad,
  zh: (name, bad) => "显示名称“" + name + "”包含不支持的字符：" + bad,
  ko: (name, bad) => '표시 이름 "' + name + '"에 지원되지 않는 문자가 있습니다: ' + bad,
  ru: (name, bad) => "Отображаемое имя «" + name + "» содержит недопустимые символы: " + bad,
  ar: (name, bad) => 'يحتوي اسم العرض "' + name + '" على أحرف غير مدعومة: ' + bad,
  he: (name, bad) => 'שם התצוגה "' + name + '" מכיל תווים שאינם נתמכים: ' + bad,
};

function findUnsupported(name) {
  const bad = [];
  for (const ch of name) {
    const cp = ch.codePointAt(0);
    if (cp < 0x20 || (cp >= 0x1f300 && cp <= 0x1faff) || cp === 0x200f || cp === 0x202e) {
      bad.push("U+" + cp.toString(16).toUpperCase().padStart(4, "0"));
    }
  }
  return bad;
}

function validateProfile(body, locale) {
  const bad = findUnsupported(body.displayName);
  if (bad.length > 0) {
    const message = (MESSAGES[locale] || MESSAGES.en)(body.displayName, bad.join(", "));
    throw new ValidationError(message, { displayName: bad });
  }
  return { displayName: body.displayName.trim(), bio: body.bio };
}

function updateProfile(req, res, next) {
  const profile = validateProfile(req.body, req.user.locale);
  res.body = profile;
}

module.exports = { updateProfile, validateProfile };
