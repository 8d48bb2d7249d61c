package todo.node;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * An {@link SSLEngine} that tells {@code onFailure} why a handshake failed, and otherwise
 * does exactly what the engine it wraps does. Artery keeps such failures at debug level.
 */
final class HandshakeWatch extends SSLEngine {

  private final SSLEngine engine;
  private final Consumer<String> onFailure;

  HandshakeWatch(SSLEngine engine, Consumer<String> onFailure) {
    super(engine.getPeerHost(), engine.getPeerPort());
    this.engine = engine;
    this.onFailure = onFailure;
  }

  private SSLException told(SSLException e) {
    onFailure.accept(e.getMessage());
    return e;
  }

  @Override
  public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
    try {
      return engine.wrap(srcs, offset, length, dst);
    } catch (SSLException e) {
      throw told(e);
    }
  }

  @Override
  public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
    try {
      return engine.unwrap(src, dsts, offset, length);
    } catch (SSLException e) {
      throw told(e);
    }
  }

  @Override public Runnable getDelegatedTask() { return engine.getDelegatedTask(); }
  @Override public void closeInbound() throws SSLException { engine.closeInbound(); }
  @Override public boolean isInboundDone() { return engine.isInboundDone(); }
  @Override public void closeOutbound() { engine.closeOutbound(); }
  @Override public boolean isOutboundDone() { return engine.isOutboundDone(); }
  @Override public String[] getSupportedCipherSuites() { return engine.getSupportedCipherSuites(); }
  @Override public String[] getEnabledCipherSuites() { return engine.getEnabledCipherSuites(); }
  @Override public void setEnabledCipherSuites(String[] suites) { engine.setEnabledCipherSuites(suites); }
  @Override public String[] getSupportedProtocols() { return engine.getSupportedProtocols(); }
  @Override public String[] getEnabledProtocols() { return engine.getEnabledProtocols(); }
  @Override public void setEnabledProtocols(String[] protocols) { engine.setEnabledProtocols(protocols); }
  @Override public SSLSession getSession() { return engine.getSession(); }
  @Override public SSLSession getHandshakeSession() { return engine.getHandshakeSession(); }
  @Override public void beginHandshake() throws SSLException { engine.beginHandshake(); }
  @Override public SSLEngineResult.HandshakeStatus getHandshakeStatus() { return engine.getHandshakeStatus(); }
  @Override public void setUseClientMode(boolean mode) { engine.setUseClientMode(mode); }
  @Override public boolean getUseClientMode() { return engine.getUseClientMode(); }
  @Override public void setNeedClientAuth(boolean need) { engine.setNeedClientAuth(need); }
  @Override public boolean getNeedClientAuth() { return engine.getNeedClientAuth(); }
  @Override public void setWantClientAuth(boolean want) { engine.setWantClientAuth(want); }
  @Override public boolean getWantClientAuth() { return engine.getWantClientAuth(); }
  @Override public void setEnableSessionCreation(boolean flag) { engine.setEnableSessionCreation(flag); }
  @Override public boolean getEnableSessionCreation() { return engine.getEnableSessionCreation(); }
  @Override public SSLParameters getSSLParameters() { return engine.getSSLParameters(); }
  @Override public void setSSLParameters(SSLParameters params) { engine.setSSLParameters(params); }
  @Override public String getApplicationProtocol() { return engine.getApplicationProtocol(); }
  @Override public String getHandshakeApplicationProtocol() { return engine.getHandshakeApplicationProtocol(); }
}
