-- The shop's tables and a little data, created in a fresh schema for each test run (infra.ts runs
-- this with search_path set to it, and drops the schema afterwards).
CREATE TABLE products (
  sku         text PRIMARY KEY,
  name        text NOT NULL,
  price_cents integer NOT NULL
);

CREATE TABLE orders (
  id       serial PRIMARY KEY,
  customer text NOT NULL,
  status   text NOT NULL DEFAULT 'new'
);

CREATE TABLE order_items (
  order_id integer NOT NULL REFERENCES orders,
  sku      text NOT NULL REFERENCES products,
  quantity integer NOT NULL
);

-- POST /reservations: a reservation of stock, and the shipping labels a batch consumer prints for them.
CREATE TABLE reservations (
  id       serial PRIMARY KEY,
  customer text NOT NULL
);

CREATE TABLE reservation_items (
  reservation_id integer NOT NULL REFERENCES reservations,
  sku            text NOT NULL REFERENCES products,
  quantity       integer NOT NULL
);

CREATE TABLE labels (
  reservation_id integer NOT NULL REFERENCES reservations
);

INSERT INTO products VALUES ('KB-01', 'Keyboard', 4900), ('MS-02', 'Mouse', 2500), ('CB-03', 'Cable', 1250);

-- Ada has three orders: the N+1 variant of GET /orders makes three items queries where one does.
INSERT INTO orders (customer) VALUES ('ada'), ('ada'), ('ada');
INSERT INTO order_items VALUES (1, 'KB-01', 1), (1, 'CB-03', 2), (2, 'MS-02', 1), (3, 'CB-03', 5);
