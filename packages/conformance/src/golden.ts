// Generated from packages/core/test/fixtures/codec.jsonl (vectors produced by Python: simplejson configured
// as Sentry's nodestore encoder). A few payloads every backend must store and return byte for byte.
// Do not edit: `node scripts/generate-golden.mjs` writes this file; a conformance test fails when it drifts.

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

export const goldenPayloads: ReadonlyArray<{ name: string; bytes: Uint8Array; main: unknown }> = [
  {
    name: "minimal_event",
    bytes: ascii(
      '{"_ref":1,"_ref_version":2,"event_id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","platform":"python"}',
    ),
    main: { _ref: 1, _ref_version: 2, event_id: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", platform: "python" },
  },
  { name: "docstring_subkeys", bytes: ascii('{"stacktrace":{}}\nunprocessed\n{}'), main: { stacktrace: {} } },
  {
    name: "seed_worked_example",
    bytes: ascii(
      '{"a":[1,2],"b":1.5,"event_id":"0123456789abcdef0123456789abcdef","message":"h\\u00e9llo \\ud83d\\ude00"}\nunprocessed\n{"x":true}',
    ),
    main: {
      event_id: "0123456789abcdef0123456789abcdef",
      message: "h\u00e9llo \ud83d\ude00",
      b: 1.5,
      a: [1, 2],
    },
  },
  {
    name: "key_order_codepoint",
    bytes: ascii('{"":7,"Z":4,"a":3,"a\\u0000":8,"\\u00e9":5,"\\ue000":6,"\\ufb01":1,"\\ud83d\\ude00":2}'),
    main: { "\ufb01": 1, "\ud83d\ude00": 2, a: 3, Z: 4, "\u00e9": 5, "\ue000": 6, "": 7, "a\u0000": 8 },
  },
  {
    name: "escapes",
    bytes: ascii(
      '{"s":"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f \\"\\\\/\\u007f\\u0080\\u00ff\\u2028\\u2029\\ud7ff\\ue000\\uffff\\ud800\\udc00\\udbff\\udfff"}',
    ),
    main: {
      s: '\u0000\u0001\b\t\n\u000b\f\r\u001f "\\/\u007f\u0080\u00ff\u2028\u2029\ud7ff\ue000\uffff\ud800\udc00\udbff\udfff',
    },
  },
  {
    name: "floats",
    bytes: ascii(
      '{"f":[0.1,-0.5,1e-05,5e-324,123456789.123,1e-07,2.5e-05,0.000123,3.14159,0.3333333333333333,0.6666666666666666,1.1e-06,1234.5,4503599627370495.5,2.2250738585072014e-308]}',
    ),
    main: {
      f: [
        0.1, -0.5, 1e-5, 5e-324, 123456789.123, 1e-7, 2.5e-5, 0.000123, 3.14159, 0.3333333333333333,
        0.6666666666666666, 1.1e-6, 1234.5, 4503599627370495.5, 2.2250738585072014e-308,
      ],
    },
  },
  {
    name: "ints",
    bytes: ascii('{"i":[0,-1,1,9007199254740991,-9007199254740991,1000000000000000,12345678901234]}'),
    main: { i: [0, -1, 1, 9007199254740991, -9007199254740991, 1000000000000000, 12345678901234] },
  },
  {
    name: "empty_containers",
    bytes: ascii('{"a":{},"b":[],"c":[{},[]],"d":null,"e":true,"f":false,"g":""}'),
    main: { a: {}, b: [], c: [{}, []], d: null, e: true, f: false, g: "" },
  },
  {
    name: "deep_nesting",
    bytes: ascii('{"a":{"b":{"c":{"d":{"e":[[[[{"f":"g"}]]]]}}}}}'),
    main: { a: { b: { c: { d: { e: [[[[{ f: "g" }]]]] } } } } },
  },
  {
    name: "many_subkeys_insertion_order",
    bytes: ascii(
      '{"main":1}\nzeta\n{"z":1}\nalpha\n[1,2]\nunprocessed\n{"event_id":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}',
    ),
    main: { main: 1 },
  },
  {
    name: "subkey_scalar_values",
    bytes: ascii('{"x":"y"}\ns\n"string value"\nn\n42\nnull\nnull'),
    main: { x: "y" },
  },
  {
    name: "random_event_20",
    bytes: ascii(
      '{"_metrics":{"bytes.stored.event":274373},"_ref":173487,"_ref_version":2,"breadcrumbs":{"values":[{"category":"db591","data":{"sep\\u2028\\u2029569":"timeout163"},"level":"info","message":"slash/path58","timestamp":1715670410.5396197},{"category":"fi\\ufb01166","data":{"del\\u007f31":"\\u00dcn\\u00efc\\u00f6d\\u00e9712"},"level":"info","message":"timeout953","timestamp":1607525489.459773},{"category":"\\u65e5\\u672c\\u8a9e900","data":{"cache92":"fi\\ufb01192"},"level":"info","message":"back\\\\slash940","timestamp":1755583321.1639996},{"category":"emoji\\ud83d\\ude00946","data":{"timeout408":"handler135"},"level":"info","message":"<html>&amp;988","timestamp":1684626158.8871856},{"category":"\\u00dcn\\u00efc\\u00f6d\\u00e9228","data":{"db804":"\\u00dcn\\u00efc\\u00f6d\\u00e9640"},"level":"info","message":"\\u00ff256","timestamp":1782901888.316985},{"category":"back\\\\slash111","data":{"query240":"line\\nbreak621"},"level":"info","message":"timeout373","timestamp":1639558381.9542763},{"category":"line\\nbreak484","data":{"emoji\\ud83d\\ude00807":"emoji\\ud83d\\ude00977"},"level":"info","message":"cache791","timestamp":1641737279.2435737},{"category":"request470","data":{"back\\\\slash210":"del\\u007f560"},"level":"info","message":"db443","timestamp":1716544489.7836616},{"category":"cache978","data":{"db290":"fi\\ufb01656"},"level":"info","message":"ctl\\u0001\\u001f748","timestamp":1728214692.0785122},{"category":"quote\\"s325","data":{"slash/path171":"\\u00ff168"},"level":"info","message":"line\\nbreak318","timestamp":1634671012.6329463},{"category":"emoji\\ud83d\\ude00646","data":{"error562":"request844"},"level":"info","message":"\\u00ff222","timestamp":1723233399.3539987},{"category":"sep\\u2028\\u2029291","data":{"\\ue000private378":"\\u65e5\\u672c\\u8a9e982"},"level":"info","message":"worker267","timestamp":1698337325.6559334}]},"contexts":{"os":{"name":"Linux","version":"quote\\"s437"},"runtime":{"name":"CPython","version":"3.11.4"},"trace":{"span_id":"6b60e0a021b077bd","trace_id":"a8485c574920cae09c8fe6b15d03e47b"}},"culprit":"retry626","event_id":"1aee383027a5efb14a3d6104e92fd8a6","exception":{"values":[{"stacktrace":{"frames":[{"context_line":"    \\u00ff443 = line\\nbreak633()","filename":"app/worker268.py","function":"user841","in_app":true,"lineno":910,"pre_context":[],"vars":{"del\\u007f986":"\\ue000private340","emoji\\ud83d\\ude00498":"<html>&amp;554","quote\\"s77":null,"\\u00dcn\\u00efc\\u00f6d\\u00e9333":0.1}},{"context_line":"    line\\nbreak979 = \\u00dcn\\u00efc\\u00f6d\\u00e931()","filename":"app/\\u00ff114.py","function":"ctl\\u0001\\u001f94","in_app":false,"lineno":3475,"pre_context":["fi\\ufb01288","db127","cache426"],"vars":{"handler444":null,"request995":null,"sep\\u2028\\u2029429":2.5e-07}},{"context_line":"    query867 = back\\\\slash84()","filename":"app/ctl\\u0001\\u001f414.py","function":"retry843","in_app":false,"lineno":4853,"pre_context":["back\\\\slash87","retry710","quote\\"s370"],"vars":{"request507":null,"retry111":[1407571396123300],"timeout684":true}},{"context_line":"    retry690 = back\\\\slash401()","filename":"app/query231.py","function":"line\\nbreak545","in_app":false,"lineno":2430,"pre_context":["\\u65e5\\u672c\\u8a9e754","tab\\there810","line\\nbreak916","quote\\"s555","tab\\there114"],"vars":{}},{"context_line":"    emoji\\ud83d\\ude00176 = slash/path93()","filename":"app/\\u00ff698.py","function":"tab\\there126","in_app":true,"lineno":1201,"pre_context":["back\\\\slash948"],"vars":{"timeout768":null,"\\u00dcn\\u00efc\\u00f6d\\u00e9854":true}}]},"type":"retry359","value":"db585"}]},"extra":{},"hashes":["bf41cfe799d2c2ab79ef23f0ffabbdea"],"level":"warning","logger":"\\u00ff536","metadata":{"type":"<html>&amp;302","value":"quote\\"s570"},"nodestore_insert":1793214042.8724065,"platform":"javascript","tags":[["quote\\"s171","error678"],["query718","cache611"],["del\\u007f242","cache552"]],"timestamp":1704380498.0706306,"title":"user807","user":{"email":"error9@example.com","id":"962675102","ip_address":"10.0.159.4"}}',
    ),
    main: {
      _ref: 173487,
      _ref_version: 2,
      event_id: "1aee383027a5efb14a3d6104e92fd8a6",
      platform: "javascript",
      nodestore_insert: 1793214042.8724065,
      timestamp: 1704380498.0706306,
      level: "warning",
      logger: "\u00ff536",
      tags: [
        ['quote"s171', "error678"],
        ["query718", "cache611"],
        ["del\u007f242", "cache552"],
      ],
      contexts: {
        os: { name: "Linux", version: 'quote"s437' },
        runtime: { name: "CPython", version: "3.11.4" },
        trace: { trace_id: "a8485c574920cae09c8fe6b15d03e47b", span_id: "6b60e0a021b077bd" },
      },
      breadcrumbs: {
        values: [
          {
            timestamp: 1715670410.5396197,
            category: "db591",
            message: "slash/path58",
            level: "info",
            data: { "sep\u2028\u2029569": "timeout163" },
          },
          {
            timestamp: 1607525489.459773,
            category: "fi\ufb01166",
            message: "timeout953",
            level: "info",
            data: { "del\u007f31": "\u00dcn\u00efc\u00f6d\u00e9712" },
          },
          {
            timestamp: 1755583321.1639996,
            category: "\u65e5\u672c\u8a9e900",
            message: "back\\slash940",
            level: "info",
            data: { cache92: "fi\ufb01192" },
          },
          {
            timestamp: 1684626158.8871856,
            category: "emoji\ud83d\ude00946",
            message: "<html>&amp;988",
            level: "info",
            data: { timeout408: "handler135" },
          },
          {
            timestamp: 1782901888.316985,
            category: "\u00dcn\u00efc\u00f6d\u00e9228",
            message: "\u00ff256",
            level: "info",
            data: { db804: "\u00dcn\u00efc\u00f6d\u00e9640" },
          },
          {
            timestamp: 1639558381.9542763,
            category: "back\\slash111",
            message: "timeout373",
            level: "info",
            data: { query240: "line\nbreak621" },
          },
          {
            timestamp: 1641737279.2435737,
            category: "line\nbreak484",
            message: "cache791",
            level: "info",
            data: { "emoji\ud83d\ude00807": "emoji\ud83d\ude00977" },
          },
          {
            timestamp: 1716544489.7836616,
            category: "request470",
            message: "db443",
            level: "info",
            data: { "back\\slash210": "del\u007f560" },
          },
          {
            timestamp: 1728214692.0785122,
            category: "cache978",
            message: "ctl\u0001\u001f748",
            level: "info",
            data: { db290: "fi\ufb01656" },
          },
          {
            timestamp: 1634671012.6329463,
            category: 'quote"s325',
            message: "line\nbreak318",
            level: "info",
            data: { "slash/path171": "\u00ff168" },
          },
          {
            timestamp: 1723233399.3539987,
            category: "emoji\ud83d\ude00646",
            message: "\u00ff222",
            level: "info",
            data: { error562: "request844" },
          },
          {
            timestamp: 1698337325.6559334,
            category: "sep\u2028\u2029291",
            message: "worker267",
            level: "info",
            data: { "\ue000private378": "\u65e5\u672c\u8a9e982" },
          },
        ],
      },
      exception: {
        values: [
          {
            type: "retry359",
            value: "db585",
            stacktrace: {
              frames: [
                {
                  filename: "app/worker268.py",
                  function: "user841",
                  lineno: 910,
                  in_app: true,
                  context_line: "    \u00ff443 = line\nbreak633()",
                  pre_context: [],
                  vars: {
                    "emoji\ud83d\ude00498": "<html>&amp;554",
                    "del\u007f986": "\ue000private340",
                    "\u00dcn\u00efc\u00f6d\u00e9333": 0.1,
                    'quote"s77': null,
                  },
                },
                {
                  filename: "app/\u00ff114.py",
                  function: "ctl\u0001\u001f94",
                  lineno: 3475,
                  in_app: false,
                  context_line: "    line\nbreak979 = \u00dcn\u00efc\u00f6d\u00e931()",
                  pre_context: ["fi\ufb01288", "db127", "cache426"],
                  vars: { "sep\u2028\u2029429": 2.5e-7, request995: null, handler444: null },
                },
                {
                  filename: "app/ctl\u0001\u001f414.py",
                  function: "retry843",
                  lineno: 4853,
                  in_app: false,
                  context_line: "    query867 = back\\slash84()",
                  pre_context: ["back\\slash87", "retry710", 'quote"s370'],
                  vars: { request507: null, retry111: [1407571396123300], timeout684: true },
                },
                {
                  filename: "app/query231.py",
                  function: "line\nbreak545",
                  lineno: 2430,
                  in_app: false,
                  context_line: "    retry690 = back\\slash401()",
                  pre_context: [
                    "\u65e5\u672c\u8a9e754",
                    "tab\there810",
                    "line\nbreak916",
                    'quote"s555',
                    "tab\there114",
                  ],
                  vars: {},
                },
                {
                  filename: "app/\u00ff698.py",
                  function: "tab\there126",
                  lineno: 1201,
                  in_app: true,
                  context_line: "    emoji\ud83d\ude00176 = slash/path93()",
                  pre_context: ["back\\slash948"],
                  vars: { timeout768: null, "\u00dcn\u00efc\u00f6d\u00e9854": true },
                },
              ],
            },
          },
        ],
      },
      extra: {},
      hashes: ["bf41cfe799d2c2ab79ef23f0ffabbdea"],
      title: "user807",
      culprit: "retry626",
      metadata: { type: "<html>&amp;302", value: 'quote"s570' },
      _metrics: { "bytes.stored.event": 274373 },
      user: { id: "962675102", email: "error9@example.com", ip_address: "10.0.159.4" },
    },
  },
];
