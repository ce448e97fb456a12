package org.sipanchor.app;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.logging.Logger;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.sipanchor.config.RegistrarConfig;
import org.sipanchor.config.RegistrarStoreConfig;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Bindings in a Redis server that the nodes of a farm share, so that a REGISTER through one node is found by an INVITE
 * through another. Per address, a hash {@code sipanchor:registrar:aor:<address>} maps each contact to its expiry, its
 * refresh order, the CSeq and Call-ID of its REGISTER; the key expires with its last binding (a Redis TTL), so an
 * address nobody refreshes leaves nothing behind. A sorted set {@code sipanchor:registrar:bindings} (scored by expiry)
 * counts the bindings of all addresses against {@code max_bindings}. An update runs as one Lua script, so two nodes
 * updating the same address at once apply the same rules as one node's memory does.
 *
 * <p>No SIP thread waits longer than {@code store_timeout_ms} for Redis (connecting, a pooled connection, the reply);
 * after a failure, requests are refused at once for {@link #BACK_OFF_MILLIS} rather than each waiting out the timeout
 * again, and the outage and the recovery are logged once each.
 */
final class RedisRegistrationStore implements RegistrationStore {

    private static final Logger LOG = Logger.getLogger(RedisRegistrationStore.class.getName());

    static final String PREFIX = "sipanchor:registrar:";
    static final String INDEX = PREFIX + "bindings";
    static final String SEQUENCE = PREFIX + "sequence";
    /** How long requests are refused without trying after Redis failed: one failure costs one timeout, not one each. */
    static final long BACK_OFF_MILLIS = 1000;
    /** Connections at most: more SIP threads wait for one, within the timeout. */
    private static final int MAX_CONNECTIONS = 16;

    /**
     * KEYS: the address's hash, the index, the refresh sequence. ARGV: now (ms), max contacts per user, max bindings,
     * Call-ID, CSeq, the address key, then contact and expiry (seconds, 0 to remove) pairs. Returns {@code {"ok",
     * contact, value, ...}}, {@code {"out_of_order"}} or {@code {"full"}}.
     */
    private static final String UPDATE = """
            local now = tonumber(ARGV[1])
            local maxContacts = tonumber(ARGV[2])
            local maxBindings = tonumber(ARGV[3])
            local callId = ARGV[4]
            local cseq = tonumber(ARGV[5])
            local aor = ARGV[6]
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
            local current = {}
            local count = 0
            local stored = redis.call('HGETALL', KEYS[1])
            for i = 1, #stored, 2 do
              local expires, seq, storedCseq, storedCallId = string.match(stored[i + 1], '^(%d+) (%d+) (%d+) (.*)$')
              if expires and tonumber(expires) > now then
                current[stored[i]] = { tonumber(expires), tonumber(seq), tonumber(storedCseq), storedCallId }
                count = count + 1
              else
                redis.call('HDEL', KEYS[1], stored[i])
                redis.call('ZREM', KEYS[2], aor .. '\\n' .. stored[i])
              end
            end
            for i = 7, #ARGV, 2 do
              local binding = current[ARGV[i]]
              if binding and binding[4] == callId and binding[3] >= cseq then
                return { 'out_of_order' }
              end
            end
            local added, removed, seen = 0, 0, {}
            for i = 7, #ARGV, 2 do
              local contact, expires = ARGV[i], tonumber(ARGV[i + 1])
              if expires > 0 and not current[contact] and not seen[contact] then
                added = added + 1
                seen[contact] = true
              elseif expires == 0 and current[contact] then
                removed = removed + 1
              end
            end
            local growth = math.min(count + added - removed, maxContacts) - count
            if growth > 0 and redis.call('ZCARD', KEYS[2]) + growth > maxBindings then
              return { 'full' }
            end
            for i = 7, #ARGV, 2 do
              local contact, expires = ARGV[i], tonumber(ARGV[i + 1])
              if current[contact] then
                current[contact] = nil
                count = count - 1
                redis.call('HDEL', KEYS[1], contact)
                redis.call('ZREM', KEYS[2], aor .. '\\n' .. contact)
              end
              if expires > 0 then
                local seq = redis.call('INCR', KEYS[3])
                local at = now + expires * 1000
                current[contact] = { at, seq, cseq, callId }
                count = count + 1
                redis.call('HSET', KEYS[1], contact, string.format('%.0f %d %.0f %s', at, seq, cseq, callId))
                redis.call('ZADD', KEYS[2], at, aor .. '\\n' .. contact)
              end
            end
            while count > maxContacts do
              local oldest, oldestSeq = nil, nil
              for contact, binding in pairs(current) do
                if not oldestSeq or binding[2] < oldestSeq then
                  oldest, oldestSeq = contact, binding[2]
                end
              end
              current[oldest] = nil
              count = count - 1
              redis.call('HDEL', KEYS[1], oldest)
              redis.call('ZREM', KEYS[2], aor .. '\\n' .. oldest)
            end
            local result, last = { 'ok' }, 0
            for contact, binding in pairs(current) do
              last = math.max(last, binding[1])
              table.insert(result, contact)
              table.insert(result, string.format('%.0f %d %.0f %s', binding[1], binding[2], binding[3], binding[4]))
            end
            if count == 0 then
              redis.call('DEL', KEYS[1])
            else
              redis.call('PEXPIREAT', KEYS[1], string.format('%.0f', last))
            end
            return result
            """;

    /** KEYS: the address's hash, the index. ARGV: the address key. */
    private static final String REMOVE_ALL = """
            local contacts = redis.call('HKEYS', KEYS[1])
            for _, contact in ipairs(contacts) do
              redis.call('ZREM', KEYS[2], ARGV[1] .. '\\n' .. contact)
            end
            redis.call('DEL', KEYS[1])
            return #contacts
            """;

    private static final String UPDATE_SHA1 = sha1(UPDATE);
    private static final String REMOVE_ALL_SHA1 = sha1(REMOVE_ALL);

    private final RegistrarStoreConfig config;
    private final RegistrarConfig limits;
    private final JedisPool pool;
    private volatile long refuseUntilMillis;
    private volatile boolean down;

    RedisRegistrationStore(RegistrarStoreConfig config, RegistrarConfig limits) {
        this.config = config;
        this.limits = limits;
        int timeout = (int) config.timeout().toMillis();
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout)
                .database(config.database())
                .ssl(config.tls())
                .clientName("sipanchor-registrar")
                // RESP2, which every Redis speaks: the scripts' replies are plain arrays either way
                .autoNegotiateProtocol(false);
        config.user().ifPresent(client::user);
        config.password().ifPresent(client::password);
        GenericObjectPoolConfig<Jedis> connections = new GenericObjectPoolConfig<>();
        connections.setMaxTotal(MAX_CONNECTIONS);
        connections.setMaxIdle(MAX_CONNECTIONS);
        connections.setMinIdle(0);
        connections.setBlockWhenExhausted(true);
        connections.setMaxWait(config.timeout());
        connections.setJmxEnabled(false);
        // a connection Redis closed (a restart) is found out by the command that uses it: its failure backs off
        connections.setTestOnBorrow(false);
        this.pool = new JedisPool(connections, new HostAndPort(config.host(), config.port()), client.build());
    }

    @Override
    public List<Binding> update(String key, List<Change> changes, String callId, long cseq, Instant now)
            throws RegistrationRejected {
        List<String> args = new ArrayList<>(List.of(Long.toString(now.toEpochMilli()),
                Integer.toString(limits.maxContactsPerUser()), Integer.toString(limits.maxBindings()), callId,
                Long.toString(cseq), key));
        for (Change change : changes) {
            args.add(change.contact());
            args.add(Integer.toString(change.expiresSecs()));
        }
        List<?> reply = (List<?>) run("update " + key,
                redis -> script(redis, UPDATE, UPDATE_SHA1, List.of(addressKey(key), INDEX, SEQUENCE), args));
        String outcome = String.valueOf(reply.get(0));
        switch (outcome) {
            case "out_of_order" -> throw new RegistrationRejected(500, "Out Of Order REGISTER");
            case "full" -> throw new RegistrationRejected(503, "Registrar Full", OptionalInt.of(LocationService.FULL_RETRY_AFTER_SECS));
            default -> {
                List<StoredBinding> bindings = new ArrayList<>();
                for (int i = 1; i + 1 < reply.size(); i += 2) {
                    StoredBinding binding = StoredBinding.parse(String.valueOf(reply.get(i)), String.valueOf(reply.get(i + 1)));
                    if (binding != null) {
                        bindings.add(binding);
                    }
                }
                return inRefreshOrder(bindings, now);
            }
        }
    }

    @Override
    public List<Binding> lookup(String key, Instant now) {
        Map<String, String> stored = run("lookup " + key, redis -> redis.hgetAll(addressKey(key)));
        List<StoredBinding> bindings = new ArrayList<>();
        stored.forEach((contact, value) -> {
            StoredBinding binding = StoredBinding.parse(contact, value);
            if (binding != null) {
                bindings.add(binding);
            }
        });
        return inRefreshOrder(bindings, now);
    }

    @Override
    public void removeAll(String key) {
        run("remove " + key, redis -> script(redis, REMOVE_ALL, REMOVE_ALL_SHA1, List.of(addressKey(key), INDEX), List.of(key)));
    }

    /** Live bindings only: lapsed ones no longer count against the limit. */
    @Override
    public int size(Instant now) {
        return run("count", redis -> (int) redis.zcount(INDEX, "(" + now.toEpochMilli(), "+inf"));
    }

    /** The index forgets lapsed bindings; their addresses' hashes expire on their own (TTL) or lose them on update. */
    @Override
    public int purgeExpired(Instant now) {
        return run("purge", redis -> (int) redis.zremrangeByScore(INDEX, "-inf", Long.toString(now.toEpochMilli())));
    }

    @Override
    public String describe() {
        return "Redis at " + config + " (timeout " + config.timeout().toMillis() + " ms)";
    }

    @Override
    public void close() {
        pool.close();
    }

    private static String addressKey(String key) {
        return PREFIX + "aor:" + key;
    }

    private static Object script(Jedis redis, String script, String sha1, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(sha1, keys, args);
        } catch (JedisNoScriptException e) {
            // the first use on this Redis (or after a restart): EVAL loads it into the script cache
            return redis.eval(script, keys, args);
        }
    }

    /** The name Redis's script cache knows a script by. */
    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }

    /**
     * Runs one operation on a pooled connection within the timeout, or throws {@link LocationUnavailableException}:
     * at once while backing off after a failure.
     */
    private <T> T run(String what, Function<Jedis, T> operation) {
        long now = System.currentTimeMillis();
        if (now < refuseUntilMillis) {
            throw new LocationUnavailableException("registrar store " + config + " unavailable (backing off after a failure)", null);
        }
        try (Jedis redis = pool.getResource()) {
            T result = operation.apply(redis);
            if (down) {
                down = false;
                LOG.warning(() -> "registrar store " + config + " answers again");
            }
            return result;
        } catch (JedisException e) {
            refuseUntilMillis = System.currentTimeMillis() + BACK_OFF_MILLIS;
            if (!down) {
                down = true;
                LOG.warning(() -> "registrar store " + config + " failed (" + what + "): " + e.getMessage()
                        + "; REGISTER and new calls get 503 until it answers");
            }
            throw new LocationUnavailableException("registrar store " + config + " unavailable: " + e.getMessage(), e);
        }
    }

    private static List<Binding> inRefreshOrder(List<StoredBinding> stored, Instant now) {
        return stored.stream()
                .filter(binding -> binding.binding().expires().isAfter(now))
                .sorted(Comparator.comparingLong(StoredBinding::sequence))
                .map(StoredBinding::binding)
                .toList();
    }

    /** A binding as the hash holds it: {@code <expiry ms> <refresh sequence> <cseq> <call-id>}. */
    private record StoredBinding(Binding binding, long sequence) {

        static StoredBinding parse(String contact, String value) {
            String[] fields = value.split(" ", 4);
            if (fields.length < 4) {
                return null;
            }
            try {
                return new StoredBinding(new Binding(contact, Instant.ofEpochMilli(Long.parseLong(fields[0])), fields[3],
                        Long.parseLong(fields[2])), Long.parseLong(fields[1]));
            } catch (NumberFormatException e) {
                return null; // not written by this class: not a binding
            }
        }
    }
}
