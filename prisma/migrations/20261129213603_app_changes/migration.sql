-- What app processes remember, announced when it changes, whichever process (or tool) changed it: on `app_changes`,
-- "agent_key:<client>" when a client is added, re-keyed or removed, "setting:<name>" when a setting changes.
-- Each process drops its copy at once (lib/db/listen.ts invalidatedBy), so several app instances never disagree
-- about a key or a setting for longer than a notification takes.

CREATE FUNCTION notify_agent_key_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('app_changes', 'agent_key:' || coalesce(NEW.name, OLD.name));
  RETURN NULL;
END
$$;

CREATE TRIGGER agent_clients_notify AFTER INSERT OR UPDATE OR DELETE ON agent_clients
  FOR EACH ROW EXECUTE FUNCTION notify_agent_key_changes();

CREATE FUNCTION notify_setting_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('app_changes', 'setting:' || coalesce(NEW.name, OLD.name));
  RETURN NULL;
END
$$;

CREATE TRIGGER app_settings_notify AFTER INSERT OR UPDATE OR DELETE ON app_settings
  FOR EACH ROW EXECUTE FUNCTION notify_setting_changes();
