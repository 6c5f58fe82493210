// Exit 0 when the given PostgreSQL URL accepts a connection within 3 s.
const { Client } = require('pg');
const c = new Client({ connectionString: process.argv[2], connectionTimeoutMillis: 3000 });
c.connect()
  .then(() => c.query('select 1'))
  .then(() => c.end())
  .then(() => process.exit(0))
  .catch(() => process.exit(1));
