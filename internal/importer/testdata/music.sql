-- A music store in the shape of the Chinook sample: serial keys, named
-- constraints, a join table with a composite key, indexes on foreign keys.
CREATE TABLE artist (
  artist_id serial NOT NULL,
  name varchar(120),
  CONSTRAINT pk_artist PRIMARY KEY (artist_id)
);

CREATE TABLE album (
  album_id serial NOT NULL,
  title varchar(160) NOT NULL,
  artist_id integer NOT NULL,
  CONSTRAINT pk_album PRIMARY KEY (album_id),
  CONSTRAINT fk_album_artist_id FOREIGN KEY (artist_id) REFERENCES artist (artist_id) ON DELETE NO ACTION ON UPDATE NO ACTION
);
CREATE INDEX ifk_album_artist_id ON album (artist_id);

CREATE TABLE media_type (media_type_id serial PRIMARY KEY, name varchar(120));
CREATE TABLE genre (genre_id serial PRIMARY KEY, name varchar(120));

CREATE TABLE track (
  track_id serial PRIMARY KEY,
  name varchar(200) NOT NULL,
  album_id integer REFERENCES album (album_id),
  media_type_id integer NOT NULL REFERENCES media_type (media_type_id),
  genre_id integer REFERENCES genre (genre_id) ON DELETE SET NULL,
  composer varchar(220),
  milliseconds integer NOT NULL,
  bytes integer,
  unit_price numeric(10,2) NOT NULL
);
CREATE INDEX ifk_track_album_id ON track (album_id);

CREATE TABLE playlist (playlist_id serial PRIMARY KEY, name varchar(120));
CREATE TABLE playlist_track (
  playlist_id integer NOT NULL REFERENCES playlist (playlist_id),
  track_id integer NOT NULL REFERENCES track (track_id),
  CONSTRAINT pk_playlist_track PRIMARY KEY (playlist_id, track_id)
);

CREATE TABLE employee (
  employee_id serial PRIMARY KEY,
  last_name varchar(20) NOT NULL,
  first_name varchar(20) NOT NULL,
  reports_to integer REFERENCES employee (employee_id),
  birth_date timestamp,
  email varchar(60) UNIQUE
);

CREATE TABLE customer (
  customer_id serial PRIMARY KEY,
  first_name varchar(40) NOT NULL,
  last_name varchar(20) NOT NULL,
  country varchar(40),
  email varchar(60) NOT NULL,
  support_rep_id integer REFERENCES employee (employee_id)
);

CREATE TABLE invoice (
  invoice_id serial PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES customer (customer_id),
  invoice_date timestamp NOT NULL,
  total numeric(10,2) NOT NULL CHECK (total >= 0)
);

CREATE TABLE invoice_line (
  invoice_line_id serial PRIMARY KEY,
  invoice_id integer NOT NULL REFERENCES invoice (invoice_id) ON DELETE CASCADE,
  track_id integer NOT NULL REFERENCES track (track_id),
  unit_price numeric(10,2) NOT NULL,
  quantity integer NOT NULL,
  CONSTRAINT invoice_line_quantity_check CHECK (quantity > 0)
);
