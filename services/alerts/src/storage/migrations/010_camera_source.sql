-- Where a camera is declared: the cameras file (it wins on every start) or the API/console.
ALTER TABLE cameras ADD COLUMN source text NOT NULL DEFAULT 'api' CHECK (source IN ('file', 'api'));
