package dev.balancekit.examples.springchat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The demo's own settings ({@code demo.*}): who may call it and how fast the stand-in model streams.
 */
@ConfigurationProperties("demo")
public class DemoProperties {

    /** User ids by bearer token. */
    private Map<String, String> users = new LinkedHashMap<>();
    /** The bearer token of the administrator, who may top up balances. */
    private String adminToken = "sk-demo-admin";
    /** The pause before each streamed token of the stand-in model. */
    private Duration tokenDelay = Duration.ofMillis(30);

    /** @return user ids by bearer token */
    public Map<String, String> getUsers() {
        return users;
    }

    /** @param users user ids by bearer token */
    public void setUsers(Map<String, String> users) {
        this.users = users;
    }

    /** @return the administrator's bearer token */
    public String getAdminToken() {
        return adminToken;
    }

    /** @param adminToken the administrator's bearer token */
    public void setAdminToken(String adminToken) {
        this.adminToken = adminToken;
    }

    /** @return the pause before each streamed token */
    public Duration getTokenDelay() {
        return tokenDelay;
    }

    /** @param tokenDelay the pause before each streamed token */
    public void setTokenDelay(Duration tokenDelay) {
        this.tokenDelay = tokenDelay;
    }
}
