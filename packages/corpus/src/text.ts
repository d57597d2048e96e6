/**
 * Text pools for the corpus. Deliberately multilingual: accents, CJK, Hangul, Cyrillic, Greek,
 * RTL scripts (Arabic, Hebrew), emoji and the odd control/format character, because under
 * `ensure_ascii=True` every non-ASCII character costs 6 (or 12) bytes and compresses differently.
 */
import type { Rng } from "./prng.js";

export const PEOPLE = [
  ["Zoë Müller", "zoe.mueller", "de"],
  ["José Álvarez", "jose.alvarez", "es"],
  ["Łukasz Wróbel", "lukasz.w", "pl"],
  ["Søren Kierkegaard", "soren.k", "da"],
  ["François Dupont", "f.dupont", "fr"],
  ["Amélie Poulain", "amelie", "fr"],
  ["田中 太郎", "tanaka.taro", "ja"],
  ["佐藤 花子", "hanako.sato", "ja"],
  ["王小明", "wang.xm", "zh"],
  ["李娜", "li.na", "zh"],
  ["김민준", "minjun.kim", "ko"],
  ["Αλέξανδρος Παπαδόπουλος", "alex.papa", "el"],
  ["Дмитрий Иванов", "d.ivanov", "ru"],
  ["Ольга Смирнова", "olga.s", "ru"],
  ["محمد الأحمد", "m.alahmad", "ar"],
  ["فاطمة الزهراء", "fatima.z", "ar"],
  ["דוד כהן", "david.cohen", "he"],
  ["Nguyễn Văn An", "an.nguyen", "vi"],
  ["Ayşe Yılmaz", "ayse.yilmaz", "tr"],
  ["Björk Guðmundsdóttir", "bjork", "is"],
  ["Priya Raghavan", "priya.r", "en"],
  ["Chidi Okonkwo", "chidi.o", "en"],
  ["Jane O'Neil", "jane.oneil", "en"],
  ["Zdeněk Šťastný", "zdenek", "cs"],
  ["Mẹ Hương 🌸", "huong", "vi"],
  ["Kofi 🚀 Mensah", "kofi.m", "en"],
] as const;

export const LOCALES = [
  "en-US",
  "fr-FR",
  "de-DE",
  "es-ES",
  "ja-JP",
  "zh-CN",
  "ko-KR",
  "ru-RU",
  "ar-EG",
  "he-IL",
  "pt-BR",
  "tr-TR",
  "vi-VN",
];
export const USER_LANGS = ["en", "fr", "de", "es", "ja", "zh", "ko", "ru", "ar", "he"];

export const PRODUCTS = [
  "Café au lait",
  "Crème brûlée",
  "抹茶ラテ",
  "北京烤鸭套餐",
  "김치찌개 세트",
  "Smørrebrød",
  "Pão de queijo",
  "Ελληνικός καφές",
  "Пельмени домашние",
  "حمص بالطحينة",
  "שקשוקה חריפה",
  "Bánh mì thịt",
  "🍕 Pizza Margherita",
  "Ćevapi s kajmakom",
  "Gâteau basque",
  "Ñoquis de papa",
  "ไก่ทอดหาดใหญ่",
  "Wireless Mouse — Größe M",
  "USB-C Kabel (2 m)",
  "Reisekoffer „Leicht“",
  "Thé vert 🍵 bio",
  "Organic Coffee Beans 1kg",
  "Standing Desk Pro",
  "Noise-cancelling Headphones",
];

export const CITIES = [
  ["DE", "Berlin", "BE", "Europe/Berlin"],
  ["FR", "Paris", "IDF", "Europe/Paris"],
  ["JP", "東京", "13", "Asia/Tokyo"],
  ["CN", "上海", "SH", "Asia/Shanghai"],
  ["KR", "서울", "11", "Asia/Seoul"],
  ["RU", "Москва", "MOW", "Europe/Moscow"],
  ["EG", "القاهرة", "C", "Africa/Cairo"],
  ["IL", "תל אביב", "TA", "Asia/Jerusalem"],
  ["US", "San Francisco", "CA", "America/Los_Angeles"],
  ["BR", "São Paulo", "SP", "America/Sao_Paulo"],
  ["TR", "İstanbul", "34", "Europe/Istanbul"],
  ["VN", "Hà Nội", "HN", "Asia/Ho_Chi_Minh"],
  ["IS", "Reykjavík", "1", "Atlantic/Reykjavik"],
  ["PL", "Łódź", "10", "Europe/Warsaw"],
] as const;

export const CURRENCIES = ["EUR", "USD", "JPY", "CNY", "KRW", "RUB", "EGP", "ILS", "BRL", "TRY", "GBP"];

export const TABLES = [
  "orders",
  "order_items",
  "customers",
  "products",
  "inventory",
  "payments",
  "shipments",
  "sessions",
  "audit_log",
  "coupons",
];

export const SQL_TEMPLATES = [
  'SELECT "{t}"."id", "{t}"."created_at", "{t}"."status", "{t}"."total" FROM "{t}" WHERE "{t}"."customer_id" = $1 ORDER BY "{t}"."created_at" DESC LIMIT 25',
  'SELECT * FROM "{t}" WHERE "id" = $1 LIMIT 1',
  'UPDATE "{t}" SET "status" = $1, "updated_at" = now() WHERE "id" = $2',
  'INSERT INTO "{t}" ("customer_id", "currency", "total", "note") VALUES ($1, $2, $3, $4) RETURNING "id"',
  'SELECT count(*) FROM "{t}" WHERE "deleted_at" IS NULL AND "tenant_id" = $1',
  'SELECT "p"."id", "p"."name", "p"."price", "i"."available" FROM "products" AS "p" LEFT JOIN "inventory" AS "i" ON "i"."sku" = "p"."sku" WHERE "p"."id" = ANY($1)',
  'DELETE FROM "{t}" WHERE "expires_at" < $1',
  "BEGIN",
  "COMMIT",
  'SELECT "s"."id", "s"."data" FROM "sessions" AS "s" WHERE "s"."token" = $1 AND "s"."expires_at" > now()',
];

export const HTTP_TARGETS = [
  ["POST", "https://api.stripe.com/v1/payment_intents"],
  ["GET", "https://api.stripe.com/v1/customers/cus_{id}"],
  ["POST", "https://hooks.slack.com/services/T000/B000/{id}"],
  ["GET", "https://maps.googleapis.com/maps/api/geocode/json"],
  ["PUT", "https://s3.eu-central-1.amazonaws.com/shop-invoices/{id}.pdf"],
  ["GET", "http://inventory.internal.svc.cluster.local:8080/v2/stock/{id}"],
  ["POST", "http://pricing.internal.svc.cluster.local:8080/quote"],
  ["GET", "https://api.exchangerate.host/latest"],
  ["POST", "https://api.sendgrid.com/v3/mail/send"],
  ["GET", "http://search.internal:9200/products/_search"],
] as const;

export const ROUTES = [
  ["GET", "/api/orders/:id"],
  ["POST", "/api/orders"],
  ["GET", "/api/products"],
  ["GET", "/api/search"],
  ["PATCH", "/api/users/me"],
  ["POST", "/api/payments/charge"],
  ["POST", "/api/graphql"],
  ["GET", "/api/account/statement"],
  ["POST", "/webhooks/shipping"],
  ["GET", "/healthz"],
] as const;

export const USER_AGENTS = [
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  "okhttp/4.12.0",
  "ShopApp/5.3.1 (Android 14; Pixel 8)",
  "curl/8.7.1",
];

/** Log lines, in many languages; `{…}` placeholders are filled in by `fill`. */
export const LOG_TEMPLATES = [
  "Processing order {order} for {name}",
  "Cache miss for key {key}",
  "Retrying request to {host} (attempt {n}/5)",
  "Slow query detected ({ms} ms): {table}",
  "Webhook délivré à {host} en {ms} ms",
  "Commande {order} validée pour « {name} »",
  "Bestellung {order} für {name} wird bearbeitet – Lager prüfen",
  "Pedido {order} enviado a {city} 🚚",
  "注文 {order} を処理しています（{name} 様）",
  "用户 {name} 登录成功，来自 {city}",
  "결제 승인 요청 {order} — {amount} {currency}",
  "تم استلام الطلب {order} من {name}",
  "ההזמנה {order} נשלחה אל {city}",
  "Заказ {order} отправлен в {city}, курьер назначен",
  "Η παραγγελία {order} ακυρώθηκε από τον χρήστη {name}",
  "✅ Payment captured {amount} {currency} for {order}",
  "⚠️ Inventory low for “{product}” ({n} left)",
  "🔥 Rate limit reached for tenant {tenant}",
  "Feature flag new-checkout evaluated to {bool} for {user}",
  "GET {path} -> {status} in {ms}ms",
  "Sending e-mail to {email}: “Ihre Bestellung ist unterwegs ✉️”",
  "Rendered template account/statement ({locale}) in {ms}ms",
];

export const MESSAGE_TEMPLATES = [
  "Shipping webhook reported an exception for order {order}: parcel lost in {city} 📦",
  "Carrier rejected label for “{product}”: address line contains unsupported characters",
  "Livraison impossible pour la commande {order} : destinataire « {name} » absent",
  "配送業者が注文 {order} のラベルを拒否しました（住所: {city}）",
  "لم يتم تسليم الشحنة {order} إلى {name}",
  "Retry limit reached for webhook delivery to {host} ⏱️",
];

const TENANTS = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka"];

export function person(rng: Rng) {
  const [name, username, lang] = rng.pick(PEOPLE);
  return { name, username, lang, email: `${username}@example.${rng.pick(["com", "de", "fr", "jp", "io"])}` };
}

export function fill(template: string, rng: Rng): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    switch (key) {
      case "order":
        return `ord_${rng.hex(10)}`;
      case "name":
        return person(rng).name;
      case "email":
        return person(rng).email;
      case "user":
        return `user_${rng.int(1, 99999)}`;
      case "key":
        return `product:${rng.int(1, 50000)}:${rng.pick(LOCALES)}`;
      case "host":
        return new URL(rng.pick(HTTP_TARGETS)[1].replace("{id}", "x")).host;
      case "n":
        return String(rng.int(1, 9));
      case "ms":
        return String(rng.int(5, 4800));
      case "table":
        return rng.pick(TABLES);
      case "city":
        return rng.pick(CITIES)[1];
      case "amount":
        return (rng.int(100, 500000) / 100).toFixed(2);
      case "currency":
        return rng.pick(CURRENCIES);
      case "product":
        return rng.pick(PRODUCTS);
      case "tenant":
        return rng.pick(TENANTS);
      case "bool":
        return String(rng.chance(0.5));
      case "path":
        return rng.pick(ROUTES)[1].replace(":id", String(rng.int(1, 99999)));
      case "status":
        return String(rng.pick([200, 200, 200, 201, 204, 304, 400, 404, 500]));
      case "locale":
        return rng.pick(LOCALES);
      default:
        return key;
    }
  });
}

export function tenant(rng: Rng): string {
  return rng.pick(TENANTS);
}

/** A long log payload (for the size tail): a JSON-ish dump with mixed scripts. */
export function longText(rng: Rng, approxChars: number): string {
  const parts: string[] = [];
  let len = 0;
  while (len < approxChars) {
    const s = fill(rng.pick(LOG_TEMPLATES), rng);
    parts.push(s);
    len += s.length + 3;
  }
  return parts.join(" | ");
}
